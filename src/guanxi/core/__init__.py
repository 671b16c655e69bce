"""The platform: users, departments, roles and record scopes, audit, soft delete, jobs, UI shell."""
