# The MEMS bot: one image for the web server, the scheduler and one-off commands (mems db upgrade, mems tick).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# A Chinese font for the report chart images (matplotlib draws Chinese labels with it; 5 MB).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY domain ./domain
COPY scheduler ./scheduler
RUN pip install . && useradd --create-home mems
USER mems
# matplotlib's font cache, built once here rather than on the first chart
RUN python -c "import matplotlib.font_manager"
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["mems", "serve", "--host", "0.0.0.0", "--port", "8000"]
