/* inventory.h: a tiny stock-keeping library (use it as it is: do not edit).

   Prices are whole cents, so that no money is lost to rounding. */

#ifndef INVENTORY_H
#define INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#define INV_MAX_ITEMS 64        /* how many items the inventory holds */
#define INV_NO_ITEM 0xFFFF      /* the id inv_add() returns when the inventory is full */
#define INV_VAT_RATE 0.2        /* value-added tax: 20 % */

typedef uint16_t item_id_t;
typedef int32_t cents_t;

typedef enum {
    CAT_FOOD = 1,
    CAT_TOOLS,                  /* 2 */
    CAT_TOYS = 10,
    CAT_BOOKS                   /* 11 */
} category_t;

/* Adds an item; returns its id, or INV_NO_ITEM when the inventory is full. */
item_id_t inv_add(const char *name, category_t category, cents_t price, int quantity);

/* The quantity in stock, or -1 for an unknown id. */
int inv_quantity(item_id_t id);

/* The price with VAT, rounded to the nearest cent (0 for an unknown id). */
cents_t inv_price_with_vat(item_id_t id);

/* How many items of a category there are. */
size_t inv_count(category_t category);

/* The value of the whole stock (price times quantity), in euros. */
double inv_stock_value(void);

/* Empties the inventory. */
void inv_clear(void);

#endif /* INVENTORY_H */
