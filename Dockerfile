# The DealLens application image: gunicorn for the web, and the same image for Celery.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer.
COPY pyproject.toml README.md ./
RUN pip install . && pip uninstall -y deallens

COPY . .
RUN useradd --create-home --uid 1000 deallens \
    && mkdir -p /app/staticfiles /app/media \
    && chown -R deallens:deallens /app/staticfiles /app/media
USER deallens

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
