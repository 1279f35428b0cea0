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

#define FOLD_VERSION 3

int fold_version(void) { return FOLD_VERSION; }

/*
 * For every article `row` below n (its rank acc[row]): each position of the later word
 * (outer_pos[outer_start[row]] …, outer_count[row] of them) against each of the earlier word's
 * (inner_pos[inner_start[row]] …), in that order; an article missing either word is passed
 * over. A pair at the same place is skipped; the share of any other is
 * shares[(weight a * 4 + weight b) * (far + 2) + min(distance, far + 1)].
 * res = res < 0 ? curw : 1 - (1 - res) * (1 - curw), in double, stored as float. An article
 * with more than `many` pairs is left alone and marked in `unranked`.
 */
void fold_pairs(int64_t n, const int64_t *outer_start, const int64_t *outer_count,
                const int64_t *inner_start, const int64_t *inner_count,
                const uint16_t *outer_pos, const uint16_t *inner_pos, const float *shares,
                int64_t far, int64_t many, float *acc, uint8_t *unranked)
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
        const uint16_t *here = outer_pos + outer_start[row];
        const uint16_t *there = inner_pos + inner_start[row];
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
 * calc_rank_or's share of one word in article i (its positions pos[starts[i]] …, counts[i] of
 * them, weights by the top two bits): wjm + resj - wjm / (jm + 1)², in single precision.
 */
void or_shares(int64_t n, const int64_t *starts, const int64_t *counts, const uint16_t *pos,
               const float *weights, float *out)
{
    for (int64_t i = 0; i < n; i++) {
        const uint16_t *at = pos + starts[i];
        float resj = 0.0f, wjm = -1.0f;
        int64_t jm = 0;
        for (int64_t j = 0; j < counts[i]; j++) {
            float w = weights[at[j] >> 14];
            resj = resj + w / (float)((j + 1) * (j + 1));
            if (w > wjm) {
                wjm = w;
                jm = j;
            }
        }
        out[i] = (wjm + resj) - wjm / (float)((jm + 1) * (jm + 1));
    }
}
