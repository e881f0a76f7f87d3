# registry.k8s.io/kube-apiserver, built from kit's Debian base and the binary kit built from k8s.io/kubernetes.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 kube-apiserver /usr/local/bin/kube-apiserver
ENTRYPOINT ["/usr/local/bin/kube-apiserver"]
