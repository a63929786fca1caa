# sdgbot: the Telegram bot over the Ministry of Labor 2025 SDG review.
# Build: docker build -t sdgbot .   Run: docker run -e TELEGRAM_BOT_TOKEN=... sdgbot

# -- build stage: install the package and its dependencies into a virtual environment
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir .

# -- run stage: the venv, the bundled store, a non-root user
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    SDGBOT_DB=/app/indicators.db \
    SDGBOT_UNANSWERED=/app/var/unanswered.jsonl \
    MPLCONFIGDIR=/tmp/matplotlib \
    PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 sdgbot \
    && mkdir -p /app/var \
    && chown sdgbot /app/var
COPY --from=build /opt/venv /opt/venv
COPY indicators.db /app/indicators.db
WORKDIR /app
USER 10001
# the CJK font for charts ships inside the package (bot/render/fonts), nothing to install
HEALTHCHECK --interval=60s --timeout=20s --start-period=20s --retries=3 CMD ["sdgbot", "health"]
CMD ["sdgbot", "run"]
