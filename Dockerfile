# The contender_rank package: the contender-rank CLI (migrate, rank, similarity, config,
# close-period, ...), with its SQL inside the installed wheel. docker-compose.yml runs it as the
# one-shot `migrate` service; a validator adds it to nineteen's compose file (docs/docker.md).
# The target `lab` adds the lab (lab/: demo, bench, simulate) on top, for compose's `demo` service.
#   docker build --network host -t contender-rank .
#   docker build --network host --target lab -t contender-rank-lab .
#   docker run --rm -e DATABASE_URL=postgresql://... contender-rank migrate
# The base is Debian bookworm (scripts/docker_base_image.sh makes contender-rank/debian:bookworm;
# --build-arg BASE_IMAGE=debian:bookworm where a registry answers).
ARG BASE_IMAGE=contender-rank/debian:bookworm
FROM ${BASE_IMAGE} AS product

ENV LANG=C.UTF-8 \
    PATH=/opt/venv/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Debian's Python 3.11 (requires-python >=3.11) in a virtual environment of its own.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/venv

# The dependencies, from pyproject.toml alone: a change to the code does not reinstall them.
# hatchling is the build backend, installed here so the last layer builds the wheel offline.
COPY pyproject.toml docker/requirements.py /tmp/deps/
RUN python3 /tmp/deps/requirements.py /tmp/deps/pyproject.toml >/tmp/deps/requirements.txt \
    && pip install -r /tmp/deps/requirements.txt hatchling \
    && rm -rf /tmp/deps

# The code: the wheel (with db/ inside it as contender_rank/sql), then the sources are removed.
COPY pyproject.toml README.md /tmp/src/
COPY python /tmp/src/python
COPY db /tmp/src/db
RUN pip install --no-deps --no-build-isolation /tmp/src \
    && rm -rf /tmp/src

ENTRYPOINT ["contender-rank"]
CMD ["--help"]

# The lab on top of the product: its dependencies from lab/pyproject.toml (asyncpg, matplotlib), then
# its wheel.
FROM product AS lab
COPY lab/pyproject.toml docker/requirements.py /tmp/deps/
RUN python3 /tmp/deps/requirements.py /tmp/deps/pyproject.toml >/tmp/deps/requirements.txt \
    && pip install -r /tmp/deps/requirements.txt \
    && rm -rf /tmp/deps
COPY lab /tmp/lab
RUN pip install --no-deps --no-build-isolation /tmp/lab \
    && rm -rf /tmp/lab

# Without --target, the product alone.
FROM product
