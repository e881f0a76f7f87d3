# kit's local registry: github.com/distribution/distribution/v3 cmd/registry on kit's Debian base.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chmod=0755 registry /bin/registry
COPY --chmod=0644 registry-config.yml /etc/distribution/config.yml
VOLUME ["/var/lib/registry"]
EXPOSE 5000
ENTRYPOINT ["/bin/registry"]
CMD ["serve", "/etc/distribution/config.yml"]
