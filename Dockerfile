# One image for the three services; the command chooses which one runs:
#   python -m services.registration | services.approval | services.reporting
# Build from the repository root:  docker build -t breakthrough .
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY deploy ./deploy
# Wheels only (every dependency ships one): no compiler in the image.
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --only-binary=:all: --upgrade pip \
 && /opt/venv/bin/pip install --prefer-binary . \
 && /opt/venv/bin/pip uninstall --yes pip

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    LOG_FORMAT=json
WORKDIR /app
USER app:app
EXPOSE 8001 8002 8003
# PORT must be set (compose sets it per service); answers 0 only when /readyz is 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=4)"]
CMD ["python", "-m", "services.registration"]
