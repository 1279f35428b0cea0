/* Facet counts over the facet index's arrays, one pass each, no temporary arrays.

   The facet index keeps a facet as a column (one value per document) or as pairs (a document's
   slot and a value, one pair per value it has). Counting a facet over the matching documents
   is a pass over the column or the pairs that adds one to a value's count for each document
   the mask keeps. numpy does it in four passes, each writing an array as long as the matches
   (gather the mask, find the kept, gather their values, count); this does it in one.

   Values are int16 or int32 (the index keeps each in the smaller that holds it); slots int32.
   A value outside [0, size), or a slot outside the mask, is not counted: the call returns how
   many there were, and the caller counts with numpy instead. Built by `make install` (see
   archive/facetindex/tally.py).
*/
#include <stdint.h>

#define TALLY_VERSION 1

int tally_version(void) { return TALLY_VERSION; }

/* counts[values[i]] += 1 for each i < n whose document the mask (of `slots_len` documents)
   keeps: mask[slots[i]], or mask[i] where slots is NULL (a column, n == slots_len). The mask's
   0 or 1 is added rather than tested: a branch on a mask that keeps about half the documents
   is mispredicted half the time, which made the pass two to three times slower. */
#define TALLY(NAME, VALUE)                                                                   \
    int64_t NAME(int64_t n, const uint8_t *mask, int64_t slots_len, const int32_t *slots,   \
                 const VALUE *values, int64_t size, int64_t *counts) {                       \
        int64_t outside = 0;                                                                 \
        for (int64_t i = 0; i < n; i++) {                                                    \
            int64_t slot = slots ? slots[i] : i;                                             \
            if (slot < 0 || slot >= slots_len) {                                             \
                outside++;                                                                   \
                continue;                                                                    \
            }                                                                                \
            int64_t value = values[i];                                                       \
            if (value < 0 || value >= size) {                                                \
                outside++;                                                                   \
                continue;                                                                    \
            }                                                                                \
            counts[value] += mask[slot] != 0;                                                \
        }                                                                                    \
        return outside;                                                                      \
    }

/* counts[values[i]] += weights[slots[i]] for each i < n: each pair counted as many times as
   its document has matching parts (an article's place, once for each of its matching quotes);
   a weight of 0 is added too, for the same reason. */
#define TALLY_WEIGHTED(NAME, VALUE)                                                          \
    int64_t NAME(int64_t n, const int64_t *weights, int64_t slots_len, const int32_t *slots, \
                 const VALUE *values, int64_t size, int64_t *counts) {                       \
        int64_t outside = 0;                                                                 \
        for (int64_t i = 0; i < n; i++) {                                                    \
            int64_t slot = slots[i];                                                         \
            if (slot < 0 || slot >= slots_len) {                                             \
                outside++;                                                                   \
                continue;                                                                    \
            }                                                                                \
            int64_t weight = weights[slot];                                                  \
            int64_t value = values[i];                                                       \
            if (value < 0 || value >= size) {                                                \
                outside++;                                                                   \
                continue;                                                                    \
            }                                                                                \
            counts[value] += weight;                                                         \
        }                                                                                    \
        return outside;                                                                      \
    }

TALLY(tally_i16, int16_t)
TALLY(tally_i32, int32_t)
TALLY_WEIGHTED(tally_weighted_i16, int16_t)
TALLY_WEIGHTED(tally_weighted_i32, int32_t)
