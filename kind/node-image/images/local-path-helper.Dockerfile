# docker.io/kindest/local-path-helper: the helper pods only run sh, mkdir and rm, which the base has.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
CMD ["/bin/sh"]
