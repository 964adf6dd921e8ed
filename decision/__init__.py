"""The decision engine: policy, gates, model bundle, reasons, routes and the one pipeline."""

# This folder is installed as leadgate.decision (pyproject's package-dir): imported under any other name, say from a
# checkout on sys.path, every module in it would load twice, with two copies of each class and registry.
if __name__ != "leadgate.decision":
    raise ImportError(f"import leadgate.decision, not {__name__}")
