# registry.k8s.io/kube-scheduler, built from kit's Debian base and the binary kit built from k8s.io/kubernetes.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 kube-scheduler /usr/local/bin/kube-scheduler
ENTRYPOINT ["/usr/local/bin/kube-scheduler"]
