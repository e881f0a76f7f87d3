# registry.k8s.io/kube-controller-manager, built from kit's Debian base and the binary kit built from k8s.io/kubernetes.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 kube-controller-manager /usr/local/bin/kube-controller-manager
ENTRYPOINT ["/usr/local/bin/kube-controller-manager"]
