variable "project" {
  type        = string
  description = "Short name used in resource names and tags."
}

variable "environment" {
  type        = string
  description = "dev, staging or prod."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "availability_zones" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "az_count" {
  type    = number
  default = 3
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "app_min_size" {
  type    = number
  default = 2
}

variable "app_max_size" {
  type    = number
  default = 6
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate for the HTTPS listener."
}

variable "ssh_allowed_cidrs" {
  type        = list(string)
  description = "Who may SSH to the app instances."
  default     = []
}

variable "database" {
  type = object({
    instance_class    = string
    allocated_storage = optional(number, 50)
    multi_az          = optional(bool, false)
    backup_days       = optional(number, 7)
    engine_version    = optional(string, "16.3")
  })
}

variable "db_password" {
  type      = string
  sensitive = true
}
