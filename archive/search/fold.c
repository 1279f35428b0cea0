/*
 * PostgreSQL's calc_rank_and (the fold over pairs of positions) and calc_rank_or (a word's
 * positions' weights), for many articles at once.
 *
 * archive/search/tsrank.py does the same arithmetic with numpy, one pair of every article at a
 * time; this is the loop tsrank.c runs, one article after another, with the shares of a pair
 * read from the same table (so the two give the same bits). Built by `make install`
 * (cc -O2 -ffp-contract=off: no fused multiply-adds, every operation rounded as written);
 * where it is missing tsrank.py uses numpy.
 */
#include <stdint.h>

#define FOLD_VERSION 5

int fold_version(void) { return FOLD_VERSION; }

/* A word's positions for one row: base[start …] or, past the base, the changed articles'. */
static const uint16_t *run(const uint16_t *base, int64_t base_len, const uint16_t *extra,
                           int64_t start)
{
    return start < base_len ? base + start : extra + (start - base_len);
}

/*
 * Lay one word's postings out by row: for posting i (article ids[i], counts[i] positions,
 * laid one posting after another from `offset`), row slot[ids[i]] gets its start and count;
 * postings of articles not matched (slot -1), or changed since the lists were read
 * (stale[id], when given), are passed over. Returns -1 if the counts run past pos_len.
 */
int rows_of(int64_t n, const int32_t *ids, const uint16_t *counts, int64_t pos_len,
            const int64_t *slot, int64_t slot_len, const uint8_t *stale, int64_t offset,
            int64_t *row_start, int64_t *row_count)
{
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t count = counts[i], id = ids[i];
        if (at + count > pos_len)
            return -1;
        if (id >= 0 && id < slot_len && !(stale && stale[id]) && slot[id] >= 0) {
            row_start[slot[id]] = offset + at;
            row_count[slot[id]] = count;
        }
        at += count;
    }
    return 0;
}

/*
 * For every article `row` below n (its rank acc[row]): each position of the later word
 * (outer_count[row] of them from outer_start[row]) against each of the earlier word's, in
 * that order; an article missing either word is passed over. A pair at the same place is
 * skipped; the share of any other is
 * shares[(weight a * 4 + weight b) * (far + 2) + min(distance, far + 1)].
 * res = res < 0 ? curw : 1 - (1 - res) * (1 - curw), in double, stored as float. An article
 * with more than `many` pairs is left alone and marked in `unranked`.
 */
void fold_pairs(int64_t n, const int64_t *outer_start, const int64_t *outer_count,
                const uint16_t *outer_base, int64_t outer_base_len, const uint16_t *outer_extra,
                const int64_t *inner_start, const int64_t *inner_count,
                const uint16_t *inner_base, int64_t inner_base_len, const uint16_t *inner_extra,
                const float *shares, int64_t far, int64_t many, float *acc, uint8_t *unranked)
{
    for (int64_t row = 0; row < n; row++) {
        int64_t outer = outer_count[row], inner = inner_count[row];
        if (outer == 0 || inner == 0)
            continue;
        if (outer * inner > many) {
            unranked[row] = 1;
            continue;
        }
        float res = acc[row];
        const uint16_t *here = run(outer_base, outer_base_len, outer_extra, outer_start[row]);
        const uint16_t *there = run(inner_base, inner_base_len, inner_extra, inner_start[row]);
        for (int64_t l = 0; l < outer; l++) {
            int a = here[l] >> 14, at = here[l] & 0x3FFF;
            for (int64_t p = 0; p < inner; p++) {
                int dist = at - (there[p] & 0x3FFF);
                if (dist < 0)
                    dist = -dist;
                if (dist == 0)
                    continue;
                if (dist > far + 1)
                    dist = (int)far + 1;
                float curw = shares[(a * 4 + (there[p] >> 14)) * (far + 2) + dist];
                if (res < 0)
                    res = curw;
                else
                    res = (float)(1.0 - (1.0 - (double)res) * (1.0 - (double)curw));
            }
        }
        acc[row] = res;
    }
}

/*
 * calc_rank_or's step for one word, in every article `row` below n that holds it (count[row]
 * positions from start[row], weights by the top two bits): its share wjm + resj - wjm /
 * (jm + 1)² in single precision, then res[row] = res[row] + share / spread, the division and
 * the sum in double, stored as float.
 */
void or_shares(int64_t n, const int64_t *start, const int64_t *count, const uint16_t *base,
               int64_t base_len, const uint16_t *extra, const float *weights, double spread,
               float *res)
{
    for (int64_t row = 0; row < n; row++) {
        if (count[row] == 0)
            continue;
        const uint16_t *at = run(base, base_len, extra, start[row]);
        float resj = 0.0f, wjm = -1.0f;
        int64_t jm = 0;
        for (int64_t j = 0; j < count[row]; j++) {
            float w = weights[at[j] >> 14];
            resj = resj + w / (float)((j + 1) * (j + 1));
            if (w > wjm) {
                wjm = w;
                jm = j;
            }
        }
        float share = (wjm + resj) - wjm / (float)((jm + 1) * (jm + 1));
        res[row] = (float)((double)res[row] + (double)share / spread);
    }
}
