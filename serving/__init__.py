"""The scoring service and batch scoring: API, decision store, shadow scoring and monitoring."""

# This folder is installed as leadgate.serving (pyproject's package-dir): imported under any other name, say from a
# checkout on sys.path, every module in it would load twice, with two copies of each class and registry.
if __name__ != "leadgate.serving":
    raise ImportError(f"import leadgate.serving, not {__name__}")
