FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cms ./cms
RUN pip install --no-cache-dir .
ENV CMS_HOST=0.0.0.0 CMS_PORT=8000
EXPOSE 8000
# Migrations run before serving; they are safe to run on every start.
CMD ["sh", "-c", "cms migrate && cms serve"]
