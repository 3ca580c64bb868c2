# The contender_rank package: the contender-rank CLI (migrate, rank, similarity, config,
# close-period, demo) with its SQL files inside the installed wheel.
#   docker build -t contender-rank . && docker run --rm -e DATABASE_URL=... contender-rank migrate
FROM python:3.11-slim

WORKDIR /src
COPY pyproject.toml README.md ./
COPY python ./python
COPY db ./db
RUN pip install --no-cache-dir . \
    && cd / && rm -rf /src

WORKDIR /
ENTRYPOINT ["contender-rank"]
CMD ["--help"]
