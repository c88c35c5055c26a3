{{- define "turnpike.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "turnpike.fullname" -}}
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

{{- define "turnpike.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "turnpike.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "turnpike.selectorLabels" -}}
app.kubernetes.io/name: {{ include "turnpike.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "turnpike.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "turnpike.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The configuration the gateway runs: config, or demoConfig while config is empty. */}}
{{- define "turnpike.config" -}}
{{- toYaml (.Values.config | default .Values.demoConfig) }}
{{- end }}

{{/* The L4 listeners of the configuration, each with a port name that is a valid Kubernetes port name. */}}
{{- define "turnpike.l4Listeners" -}}
{{- $listeners := list }}
{{- with (.Values.config | default .Values.demoConfig) }}{{ with .turnpike }}{{ with .l4 }}{{ with .listeners }}
{{- $listeners = . }}
{{- end }}{{ end }}{{ end }}{{ end }}
{{- range $i, $l := $listeners }}
- name: {{ printf "l4-%s" ($l.name | lower | replace "_" "-") | trunc 15 | trimSuffix "-" }}
  port: {{ $l.port }}
{{- end }}
{{- end }}

{{- define "turnpike.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "turnpike.fullname" .)) .Values.tls.existingSecret }}
{{- end }}

{{- define "turnpike.secretConfigName" -}}
{{- default (printf "%s-config" (include "turnpike.fullname" .)) .Values.existingSecretConfig }}
{{- end }}

{{- define "turnpike.redisSecretName" -}}
{{- default (printf "%s-redis" (include "turnpike.fullname" .)) .Values.redis.existingSecret }}
{{- end }}
