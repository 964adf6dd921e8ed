# leadgate's scoring service (and, with another command, its MLflow tracking server): see README "Deployment".
# Installed the way `make install` installs it, `pip install .` of this repository, without the dev extras.
# Build stage: the package and its dependencies go into a virtualenv that the runtime stage copies whole.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/leadgate
ENV PATH=/opt/leadgate/bin:$PATH
WORKDIR /src
# What pyproject.toml's package-dir and readme name, nothing else (.dockerignore keeps the rest out).
COPY pyproject.toml README.md ./
COPY leadgate/ leadgate/
COPY features/ features/
COPY decision/ decision/
COPY training/ training/
COPY serving/ serving/
RUN pip install --upgrade pip && pip install .

FROM python:3.11-slim
# LightGBM's library links OpenMP (libgomp), which the slim image does not carry.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --user-group leadgate \
    && mkdir -p /data /mlartifacts \
    && chown leadgate:leadgate /data /mlartifacts
COPY --from=build /opt/leadgate /opt/leadgate
ENV PATH=/opt/leadgate/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LEADGATE_DATA_DIR=/data \
    LEADGATE_HOST=0.0.0.0 \
    LEADGATE_PORT=8000
USER leadgate
WORKDIR /data
VOLUME ["/data"]
# The API; an internal metrics port (LEADGATE_METRICS_PORT, e.g. 9100) is exposed by compose, never published.
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('LEADGATE_PORT', '8000'), timeout=4)"]
# Migrate the decision store, then serve; exec so the server gets the container's stop signal.
CMD ["sh", "-c", "leadgate migrate && exec leadgate serve"]
