/* Freeing the result types of driver.h. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

void lv_domain_info_clear(lv_domain_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->title);
    free(info->os_type);
    memset(info, 0, sizeof(*info));
}

void lv_domain_info_free(lv_domain_info *info)
{
    lv_domain_info_clear(info);
    free(info);
}

void lv_domain_list_free(lv_domain_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lv_domain_info_clear(&list->items[i]);
    free(list->items);
    free(list);
}

