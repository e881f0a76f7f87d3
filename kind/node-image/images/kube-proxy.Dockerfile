# registry.k8s.io/kube-proxy: the binary plus iptables/nftables/conntrack, with the iptables wrapper
# that picks the legacy or nft backend the node uses (as upstream's distroless-iptables does).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables nftables conntrack ipset kmod \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --chmod=0755 iptables-wrapper /usr/sbin/iptables-wrapper
RUN for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do \
      ln -sf /usr/sbin/iptables-wrapper "/usr/sbin/$t"; done
COPY --chmod=0755 kube-proxy /usr/local/bin/kube-proxy
ENTRYPOINT ["/usr/local/bin/kube-proxy"]
