"""Training, evaluation, back-tests and promotion on history; imports the engine, never the reverse."""

# This folder is installed as leadgate.training (pyproject's package-dir): imported under any other name, say from a
# checkout on sys.path, every module in it would load twice, with two copies of each class and registry.
if __name__ != "leadgate.training":
    raise ImportError(f"import leadgate.training, not {__name__}")
