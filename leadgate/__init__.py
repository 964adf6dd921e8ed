"""leadgate: policy gates, a calibrated score, reasons and a route for every new B2B lead."""


def load(alias: str | None = None, **options):
    """A registered model version ready to decide and explain leads in a notebook (see `leadgate.api.load`)."""
    # Imported here so `import leadgate` and the CLI's --help stay instant: loading needs mlflow and lightgbm.
    from leadgate.api import load as load_scorer

    return load_scorer(alias, **options)
