/* libFuzzer target: the UF2 checker on any bytes; and, when the bytes parse
 * as an ELF, the UF2 writer's output must pass the checker's structure tests
 * (boot2 CRC aside, which random input will not satisfy). */
#include "elf32.h"
#include "uf2.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf32_image img;
    struct uf2_info info;
    const char *why = NULL;
    if (uf2_check(data, size, &info, &why) != 0 && why == NULL)
        abort();
    if (elf32_read(data, size, &img, &why) == 0) {
        uint8_t *out;
        size_t len;
        if (uf2_from_elf(&img, &out, &len, &why) == 0) {
            if (len == 0 || len % 512)
                abort();
            if (uf2_check(out, len, &info, &why) != 0 && !strstr(why, "boot2 CRC"))
                abort();
            free(out);
        }
    }
    return 0;
}
