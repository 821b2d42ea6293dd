/* libFuzzer target: the ELF reader must accept or reject any bytes without
 * reading outside them; accepted segments must lie inside the input. */
#include "elf32.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf32_image img;
    const char *why = NULL;
    if (elf32_read(data, size, &img, &why) == 0) {
        for (unsigned i = 0; i < img.count; i++) {
            const struct elf32_segment *s = &img.seg[i];
            if (s->data < data || s->data + s->filesz > data + size)
                abort();
        }
    } else if (why == NULL) {
        abort();
    }
    return 0;
}
