"""Sales (销售): products, leads, opportunities, schedules, orders, payments and reports."""
