# kit's ingress controller in build mode: Traefik's cmd/traefik (github.com/traefik/traefik/v3,
# built from the Go module proxy) on kit's Debian base. The upstream image's entrypoint also takes
# flags as arguments, so one Deployment (kit/src/providers/ingress/manifests.ts) runs either image.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 traefik /usr/local/bin/traefik
USER 65532:65532
EXPOSE 8000 8080
ENTRYPOINT ["/usr/local/bin/traefik"]
