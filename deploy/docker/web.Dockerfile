# syntax=docker/dockerfile:1
#
# The React UI: built with Node, served as static files by unprivileged nginx
# on port 8080. The Ingress sends every path that no service claims to it.
#
# Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t revocast-web:0.1.0 .
#
# This file expects web/package.json, web/package-lock.json and a
# `build` script that writes the bundle to web/dist (the folder .gitignore
# lists). Change the paths here if the frontend is laid out differently.

ARG NODE_IMAGE=node:22-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build


FROM ${NGINX_IMAGE}
COPY deploy/docker/web-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /web/dist /usr/share/nginx/html
# UID 101 is the nginx user of the nginx-unprivileged images.
USER 101
EXPOSE 8080
