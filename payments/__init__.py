"""The payments service: users pay their pending orders, and admins refund payments."""
