# docker.io/kindest/local-path-provisioner, built from github.com/rancher/local-path-provisioner.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 local-path-provisioner /usr/local/bin/local-path-provisioner
ENTRYPOINT ["/usr/local/bin/local-path-provisioner"]
