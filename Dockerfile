# The entity-linking server: docker build -t entitylinker . (see deploy/kubernetes/ and the README).
# Multi-stage: the build stage compiles the linking core with mypyc (`make native`, needs gcc and the
# dev requirements) and builds the seed gazetteer; the runtime stage holds only the runtime packages,
# the sources, the compiled core and that seed gazetteer, and runs as a non-root user. The served
# gazetteer lives on a volume at /data (the seed one is the fallback for a first start).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .venv with every pin (mypy for mypyc, grpcio-tools for the stubs), the stubs, the compiled core, the seed gazetteer.
RUN make proto native gazetteer PYTHON=python3 && test -f .native/manifest.json
# The runtime environment: requirements.txt only, at the path it keeps in the final image.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps camel-tools==1.6.0 \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps ./client

FROM ${PYTHON_IMAGE} AS runtime
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin entitylinker \
    && mkdir -p /data /run/entitylinker \
    && chown 10001:10001 /data /run/entitylinker
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /src/server server
COPY --from=build /src/gazetteer gazetteer
COPY --from=build /src/entitylinker entitylinker
COPY --from=build /src/seeds seeds
COPY --from=build /src/.native .native
COPY --from=build /src/build/gazetteer.sqlite /opt/entitylinker/seed-gazetteer.sqlite
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENTITYLINKER_GAZETTEER=/data/gazetteer.sqlite \
    ENTITYLINKER_RUNTIME_DIR=/run/entitylinker \
    ENTITYLINKER_LOG_FORMAT=json
USER 10001:10001
VOLUME ["/data"]
EXPOSE 50051 8080 8081 9090
# No HEALTHCHECK: Kubernetes probes the health service (grpc probe on --health-port).
ENTRYPOINT ["python", "-m", "server"]
CMD ["--host", "[::]", "--port", "50051", "--health-port", "8081", "--metrics-port", "9090", "--access-log"]
