# registry.k8s.io/coredns/coredns, built from github.com/coredns/coredns on kit's Debian base.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
