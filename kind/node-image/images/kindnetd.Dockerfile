# docker.io/kindest/kindnetd: kit's minimal kindnetd (kind/kindnetd) with ip and iptables.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables iproute2 \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --chmod=0755 iptables-wrapper /usr/sbin/iptables-wrapper
RUN for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do \
      ln -sf /usr/sbin/iptables-wrapper "/usr/sbin/$t"; done
COPY --chmod=0755 kindnetd /bin/kindnetd
CMD ["/bin/kindnetd"]
