/* FIFO depth and flags, seen from core 0 while core 1 is held in reset (so
   nothing reads core 0's outgoing FIFO): 8 words fit, the 9th sets the sticky
   WOF and is dropped, reading an empty FIFO returns 0 and sets the sticky ROE,
   any write to FIFO_ST clears both. Then core 1 is released: its ROM drains
   the 8 words (they survived the reset) and answers with a 0. */
#include "fw.h"

int main(void) {
    REG(PSM_FRCE_OFF + ALIAS_SET) = 1u << 16;      /* hold core 1 */
    while (!(REG(PSM_FRCE_OFF) & (1u << 16))) { }
    fw_fifo_drain();                                /* the 0 core 1's ROM sent at boot */
    SIO_FIFO_ST = 0;                                /* clear sticky flags */
    CHECK(SIO_FIFO_ST == FIFO_RDY);

    for (uint32_t i = 0; i < 8; i++) {
        CHECK(SIO_FIFO_ST & FIFO_RDY);
        SIO_FIFO_WR = 0x100 + i;
    }
    CHECK(SIO_FIFO_ST == 0);                        /* full: RDY clear, nothing sticky yet */
    SIO_FIFO_WR = 0xdead;                           /* written when full */
    CHECK(SIO_FIFO_ST == FIFO_WOF);
    CHECK(SIO_FIFO_ST == FIFO_WOF);                 /* sticky: reading does not clear it */
    SIO_FIFO_ST = 0x1234;                           /* any value clears */
    CHECK(SIO_FIFO_ST == 0);

    uint32_t v = SIO_FIFO_RD;                       /* read when empty */
    CHECK(v == 0);
    CHECK(SIO_FIFO_ST == FIFO_ROE);
    SIO_FIFO_ST = 0;
    CHECK(SIO_FIFO_ST == 0);

    /* release core 1: its ROM drains our 8 words, then sends 0 */
    REG(PSM_FRCE_OFF + ALIAS_CLR) = 1u << 16;
    uint32_t w = fw_fifo_pop();
    CHECK(w == 0);
    CHECK(SIO_FIFO_ST == FIFO_RDY);                 /* drained, nothing more from core 1 */
    return 0;
}
