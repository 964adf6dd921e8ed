"""Features: the lead schema, its table, signals and the model's feature matrix; pure, no I/O."""

# This folder is installed as leadgate.features (pyproject's package-dir): imported under any other name, say from a
# checkout on sys.path, every module in it would load twice, with two copies of each class and registry.
if __name__ != "leadgate.features":
    raise ImportError(f"import leadgate.features, not {__name__}")
