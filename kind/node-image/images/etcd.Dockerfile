# registry.k8s.io/etcd, built from go.etcd.io/etcd/server/v3 on kit's Debian base.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 etcd /usr/local/bin/etcd
ENTRYPOINT ["/usr/local/bin/etcd"]
