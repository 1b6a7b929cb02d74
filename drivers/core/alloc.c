/* placeholder: replaced by the drivers/core work */
