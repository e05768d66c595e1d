"""The consumption poverty-alleviation mall (消费扶贫商城): suppliers, products and SKUs, stock,
voucher campaigns and vouchers, orders, payments."""
