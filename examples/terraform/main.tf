# A stack, a read-only access policy with a label policy, its token, and a Prometheus data
# source in the stack's Grafana that queries through Gatehouse with that token.
# See README.md for what each step calls on Gatehouse.

terraform {
  required_providers {
    grafana = {
      source = "grafana/grafana"
    }
  }
}

variable "gatehouse_token" {
  description = "glc_ token with accesspolicies:*, stacks:* and orgs:read (e.g. data/admin-token)"
  type        = string
  sensitive   = true
}

variable "org_slug" {
  description = "Gatehouse's org (config key org.slug)"
  type        = string
  default     = "local"
}

variable "region" {
  description = "A region slug of the Gatehouse configuration"
  type        = string
  default     = "local"
}

variable "grafana_url" {
  description = "Root URL of the Grafana this stack stands for; Terraform waits for its /api/health"
  type        = string
  default     = "http://127.0.0.1:3000"
}

variable "grafana_auth" {
  description = "Service-account token (or user:password) of that Grafana, for the data source"
  type        = string
  sensitive   = true
}

# The cloud resources talk to Gatehouse's management API. The provider keeps only the scheme
# and host of cloud_api_url and always calls <host>/api/...
provider "grafana" {
  cloud_api_url             = "http://127.0.0.1:8080"
  cloud_access_policy_token = var.gatehouse_token
}

data "grafana_cloud_organization" "current" {
  slug = var.org_slug
}

resource "grafana_cloud_stack" "this" {
  name        = "Team A"
  slug        = "teama"
  region_slug = var.region
  description = "Stack served by Gatehouse"
  labels      = { team = "a" }

  # The stack's Grafana. Gatehouse stores it as the stack URL; Terraform's readiness wait and
  # the aliased provider below use it.
  url = var.grafana_url
}

# Read-only on this stack, limited to the series of namespace team-a.
resource "grafana_cloud_access_policy" "reader" {
  region       = var.region
  name         = "teama-reader"
  display_name = "Team A reader"
  scopes       = ["metrics:read"]

  realm {
    type       = "stack"
    identifier = grafana_cloud_stack.this.id

    label_policy {
      selector = "{namespace=\"team-a\"}"
    }
  }
}

resource "grafana_cloud_access_policy_token" "reader" {
  region           = var.region
  access_policy_id = grafana_cloud_access_policy.reader.policy_id
  name             = "teama-grafana"
}

# Write access for every stack of the org (e.g. for a Prometheus agent's remote write).
resource "grafana_cloud_access_policy" "writer" {
  region = var.region
  name   = "org-metrics-writer"
  scopes = ["metrics:write"]

  realm {
    type       = "org"
    identifier = data.grafana_cloud_organization.current.id
  }
}

resource "grafana_cloud_access_policy_token" "writer" {
  region           = var.region
  access_policy_id = grafana_cloud_access_policy.writer.policy_id
  name             = "org-metrics-writer"
}

# The stack's own Grafana, reached directly (not through Gatehouse).
provider "grafana" {
  alias = "stack"
  url   = grafana_cloud_stack.this.url
  auth  = var.grafana_auth
}

resource "grafana_data_source" "gatehouse_metrics" {
  provider = grafana.stack

  type = "prometheus"
  name = "Team A metrics (Gatehouse)"
  # Gatehouse serves the Prometheus query API under /api/prom, as Grafana Cloud does.
  url                 = "${grafana_cloud_stack.this.prometheus_url}/api/prom"
  basic_auth_enabled  = true
  basic_auth_username = grafana_cloud_stack.this.prometheus_user_id

  secure_json_data_encoded = jsonencode({
    basicAuthPassword = grafana_cloud_access_policy_token.reader.token
  })

  json_data_encoded = jsonencode({
    httpMethod     = "POST"
    prometheusType = "Mimir"
  })
}

output "remote_write_url" {
  value = "${grafana_cloud_stack.this.prometheus_url}/api/prom/push"
}

output "remote_write_username" {
  value = grafana_cloud_stack.this.prometheus_user_id
}

output "remote_write_password" {
  value     = grafana_cloud_access_policy_token.writer.token
  sensitive = true
}
