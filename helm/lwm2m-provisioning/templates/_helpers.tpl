{{/* Chart name, overridable with nameOverride. */}}
{{- define "lwm2m-provisioning.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name. Kept to 50 characters so that suffixed names ("-management", "-headless")
and the StatefulSet's pod names (plus the controller-revision-hash label) stay within 63 characters.
*/}}
{{- define "lwm2m-provisioning.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "lwm2m-provisioning.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the server pods (immutable once installed). */}}
{{- define "lwm2m-provisioning.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lwm2m-provisioning.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Common labels on every object. */}}
{{- define "lwm2m-provisioning.labels" -}}
helm.sh/chart: {{ include "lwm2m-provisioning.chart" . }}
{{ include "lwm2m-provisioning.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: lwm2m-provisioning
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod selector labels plus the server component label (used by NetworkPolicy peers). */}}
{{- define "lwm2m-provisioning.podSelectorLabels" -}}
{{ include "lwm2m-provisioning.selectorLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "lwm2m-provisioning.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lwm2m-provisioning.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "lwm2m-provisioning.headlessServiceName" -}}
{{- printf "%s-headless" (include "lwm2m-provisioning.fullname" .) -}}
{{- end -}}

{{- define "lwm2m-provisioning.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/*
Environment variables for the database connection, shared by the server and the migration Job.
The JDBC URL comes from the secret (urlKey) or, when urlKey is empty, from database.url (which must
hold no credentials: the schema rejects "password=" in it).
*/}}
{{- define "lwm2m-provisioning.databaseEnv" -}}
{{- with .Values.database }}
{{- if .existingSecret }}
{{- if .urlKey }}
- name: SPRING_DATASOURCE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | quote }}
      key: {{ .urlKey | quote }}
{{- else if .url }}
- name: SPRING_DATASOURCE_URL
  value: {{ .url | quote }}
{{- end }}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | quote }}
      key: {{ .usernameKey | quote }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret | quote }}
      key: {{ .passwordKey | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Validation of combinations the JSON schema cannot express well; fails the render with a clear message. */}}
{{- define "lwm2m-provisioning.validate" -}}
{{- $multi := or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled -}}
{{- if and $multi (not .Values.cluster.enabled) -}}
{{- fail "replicaCount > 1 or autoscaling.enabled requires cluster.enabled=true (DTLS Connection-ID forwarding between replicas)" -}}
{{- end -}}
{{- if and .Values.cluster.enabled (not .Values.cluster.existingSecret) -}}
{{- fail "cluster.enabled=true requires cluster.existingSecret (a secret with the shared cluster key, key cluster.secretKey)" -}}
{{- end -}}
{{- if and $multi (not .Values.database.existingSecret) -}}
{{- fail "replicaCount > 1 or autoscaling.enabled requires an external PostgreSQL (database.existingSecret): the embedded PostgreSQL is per pod" -}}
{{- end -}}
{{- if and .Values.database.existingSecret (not .Values.database.urlKey) (not .Values.database.url) -}}
{{- fail "database.existingSecret is set but neither database.urlKey nor database.url is" -}}
{{- end -}}
{{- if and .Values.migrations.enabled (not .Values.database.existingSecret) -}}
{{- fail "migrations.enabled=true requires database.existingSecret (migrations run against the external PostgreSQL)" -}}
{{- end -}}
{{- if and (eq .Values.ca.mode "import") (not .Values.ca.import.existingSecret) -}}
{{- fail "ca.mode=import requires ca.import.existingSecret" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) -}}
{{- fail "autoscaling.maxReplicas must be >= autoscaling.minReplicas" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) -}}
{{- fail "autoscaling.enabled=true needs targetCPUUtilizationPercentage and/or targetMemoryUtilizationPercentage" -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the first admin API key: the chart's own, or an existing one. */}}
{{- define "lwm2m-provisioning.adminKeySecretName" -}}
{{- if .Values.adminKey.create -}}
{{- printf "%s-admin-key" (include "lwm2m-provisioning.fullname" .) -}}
{{- else -}}
{{- .Values.adminKey.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* Label matchers selecting this release's metrics as scraped through the ServiceMonitor (job = Service name). */}}
{{- define "lwm2m-provisioning.metricsSelector" -}}
namespace="{{ .Release.Namespace }}", job="{{ include "lwm2m-provisioning.fullname" . }}-management"
{{- end -}}
