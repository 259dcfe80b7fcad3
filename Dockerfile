# syntax=docker/dockerfile:1
# Two stages: the first installs the locked dependencies (requirements.lock, exported
# from uv.lock with hashes) and the project into a virtual environment; the second
# copies only that environment and runs it as an unprivileged user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/cms
WORKDIR /src
# Dependencies first, from the lock alone: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN /opt/cms/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY cms ./cms
# The project itself; its dependencies are already there, exactly as locked.
RUN /opt/cms/bin/pip install --no-deps .

FROM python:3.11-slim
RUN groupadd --system --gid 10001 cms \
    && useradd --system --uid 10001 --gid cms --home-dir /app --shell /usr/sbin/nologin cms
COPY --from=build /opt/cms /opt/cms
WORKDIR /app
COPY seeds ./seeds
ENV PATH=/opt/cms/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CMS_HOST=0.0.0.0 CMS_PORT=8000
USER cms:cms
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
# Migrations run once, from their own one-shot container (docker-compose.yml's `migrate`,
# or `docker run IMAGE cms migrate`) before any instance serves.
CMD ["cms", "serve"]
