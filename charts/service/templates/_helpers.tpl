{{/* Chart name, overridable. */}}
{{- define "service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of every resource: fullnameOverride, else the release name (when it holds the chart name), else <release>-<name>. */}}
{{- define "service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable for the life of the release. */}}
{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Common labels on every object. */}}
{{- define "service.labels" -}}
helm.sh/chart: {{ include "service.chart" . }}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ include "service.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kit
{{- end }}

{{- define "service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image tag: image.tag, else the chart's appVersion. */}}
{{- define "service.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/* The image reference: registry/repository[:tag][@digest]; a digest wins over the tag for pulling. */}}
{{- define "service.image" -}}
{{- $repo := required "image.repository is required (e.g. go-app, or the ECR repository URL path)" .Values.image.repository }}
{{- $ref := $repo }}
{{- if .Values.image.registry }}{{ $ref = printf "%s/%s" (trimSuffix "/" .Values.image.registry) $repo }}{{ end }}
{{- if .Values.image.digest }}
{{- if .Values.image.tag }}{{ printf "%s:%s@%s" $ref .Values.image.tag .Values.image.digest }}{{ else }}{{ printf "%s@%s" $ref .Values.image.digest }}{{ end }}
{{- else }}
{{- printf "%s:%s" $ref (include "service.imageTag" .) }}
{{- end }}
{{- end }}

{{/* Integer ceiling of milliseconds in seconds. */}}
{{- define "service.msToSeconds" -}}
{{- div (add (int .) 999) 1000 }}
{{- end }}

{{/*
The shutdown budget, in seconds: preStop sleep + shutdown timeout. SIGTERM comes after the preStop
sleep, and both apps count the shutdown timeout from SIGTERM with the drain delay inside it
(apps/go-app/internal/app/shutdown.go, apps/node-app/src/lifecycle.ts). The grace period must exceed
it, or Kubernetes SIGKILLs a pod that is still finishing requests.
*/}}
{{- define "service.shutdownBudgetSeconds" -}}
{{- $preStop := 0 }}
{{- if .Values.lifecycle.preStop.enabled }}{{ $preStop = int .Values.lifecycle.preStop.sleepSeconds }}{{ end }}
{{- add $preStop (include "service.msToSeconds" .Values.app.shutdownTimeoutMs) }}
{{- end }}

{{/* Render-time guardrails: fail with the reason and the value to change. */}}
{{- define "service.guardrails" -}}
{{- if .Values.guardrails.enforce }}
{{- $ru := .Values.deployment.strategy.rollingUpdate }}
{{- if ne (toString $ru.maxUnavailable) "0" }}
{{- fail (printf "deployment.strategy.rollingUpdate.maxUnavailable is %v: it must be 0 so no ready pod is removed before its replacement is ready (guardrails.enforce)" $ru.maxUnavailable) }}
{{- end }}
{{- if or (eq (toString $ru.maxSurge) "0") (eq (toString $ru.maxSurge) "0%") }}
{{- fail "deployment.strategy.rollingUpdate.maxSurge is 0: with maxUnavailable 0 the rollout could never progress; set it to 1 or more (guardrails.enforce)" }}
{{- end }}
{{- if not .Values.probes.readiness.enabled }}
{{- fail "probes.readiness.enabled is false: without a readiness probe pods receive traffic before they can serve and while they drain (guardrails.enforce)" }}
{{- end }}
{{- if not .Values.lifecycle.preStop.enabled }}
{{- fail "lifecycle.preStop.enabled is false: without the preStop sleep, endpoints and load balancers still send new connections after SIGTERM (guardrails.enforce)" }}
{{- end }}
{{- if and .Values.devSync.enabled .Values.ingress.enabled }}
{{- fail "devSync.enabled is true with ingress.enabled: live reload runs code from a folder on a kind node and is for `kit dev` only, never a cluster with an ingress (guardrails.enforce)" }}
{{- end }}
{{- if and .Values.devSync.enabled (or (not .Values.devSync.hostPath) (not .Values.devSync.command)) }}
{{- fail "devSync.enabled needs devSync.hostPath and devSync.command (kit dev sets them)" }}
{{- end }}
{{- if .Values.faults.onSigterm }}
{{- fail (printf "faults.onSigterm is %q: fault injection is for kit rollout's tests only; set guardrails.enforce=false there" .Values.faults.onSigterm) }}
{{- end }}
{{- $lastRequestEnd := add (int .Values.app.drainDelayMs) (int .Values.app.maxRequestMs) }}
{{- if le (int .Values.app.shutdownTimeoutMs) (int $lastRequestEnd) }}
{{- fail (printf "app.shutdownTimeoutMs (%v) must exceed app.drainDelayMs + app.maxRequestMs = %d ms: the apps count the timeout from SIGTERM, so the longest request accepted at the end of the drain would be cut (guardrails.enforce)" .Values.app.shutdownTimeoutMs (int $lastRequestEnd)) }}
{{- end }}
{{- $budget := int (include "service.shutdownBudgetSeconds" .) }}
{{- if le (int .Values.terminationGracePeriodSeconds) $budget }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed lifecycle.preStop.sleepSeconds + app.shutdownTimeoutMs (counted from SIGTERM, the drain included) = %d s, or pods are killed mid-request (guardrails.enforce)" .Values.terminationGracePeriodSeconds $budget) }}
{{- end }}
{{- if and .Values.ingress.enabled .Values.ingress.alb.enabled (eq .Values.ingress.className "alb") }}
{{- $dereg := int .Values.ingress.alb.deregistrationDelaySeconds }}
{{- $drainEnd := add (int .Values.lifecycle.preStop.sleepSeconds) (include "service.msToSeconds" .Values.app.drainDelayMs) (include "service.msToSeconds" .Values.app.maxRequestMs) }}
{{- if lt $dereg (int $drainEnd) }}
{{- fail (printf "ingress.alb.deregistrationDelaySeconds (%d) is below preStop + drain + longest request = %d s: the ALB would drop in-flight requests (guardrails.enforce)" $dereg (int $drainEnd)) }}
{{- end }}
{{- if gt $dereg (int .Values.terminationGracePeriodSeconds) }}
{{- fail (printf "ingress.alb.deregistrationDelaySeconds (%d) exceeds terminationGracePeriodSeconds (%v): the ALB would keep draining to a killed pod (guardrails.enforce)" $dereg .Values.terminationGracePeriodSeconds) }}
{{- end }}
{{- if le (int .Values.ingress.alb.idleTimeoutSeconds) (int (include "service.msToSeconds" .Values.app.wsPingIntervalMs)) }}
{{- fail (printf "ingress.alb.idleTimeoutSeconds (%v) must exceed app.wsPingIntervalMs, or the ALB closes idle WebSockets (guardrails.enforce)" .Values.ingress.alb.idleTimeoutSeconds) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
