# registry.k8s.io/pause: kit's static pause binary (kind/pause) alone.
FROM scratch
COPY --chmod=0755 pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
