/*
 * Semihosting: the firmware's only I/O. A `bkpt 0xab` with an operation in r0
 * and a parameter (block) pointer in r1 is trapped by QEMU
 * (`-semihosting-config enable=on,target=native`), which performs the call on
 * the host. Hand-written rather than newlib's rdimon: a few instructions per
 * call, no heap, no hidden initialisation.
 */
#include "edgec_firmware.h"

enum {
  SYS_OPEN = 0x01,
  SYS_CLOSE = 0x02,
  SYS_WRITE0 = 0x04,
  SYS_WRITE = 0x05,
  SYS_READ = 0x06,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026,
  /* fopen modes in SYS_OPEN's table: "rb" and "wb". */
  MODE_READ_BINARY = 1,
  MODE_WRITE_BINARY = 5
};

static int semihost(int operation, void *parameter) {
  register int r0 __asm__("r0") = operation;
  register void *r1 __asm__("r1") = parameter;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static size_t length(const char *text) {
  size_t n = 0;
  while (text[n] != '\0') n++;
  return n;
}

int edgec_host_open(const char *path, int write) {
  uintptr_t block[3];
  block[0] = (uintptr_t)path;
  block[1] = write ? MODE_WRITE_BINARY : MODE_READ_BINARY;
  block[2] = length(path);
  return semihost(SYS_OPEN, block);
}

/* SYS_READ and SYS_WRITE return the number of bytes NOT transferred. */
int edgec_host_read(int handle, void *data, size_t bytes) {
  uintptr_t block[3];
  block[0] = (uintptr_t)handle;
  block[1] = (uintptr_t)data;
  block[2] = bytes;
  return semihost(SYS_READ, block) == 0 ? 0 : -1;
}

int edgec_host_write(int handle, const void *data, size_t bytes) {
  uintptr_t block[3];
  block[0] = (uintptr_t)handle;
  block[1] = (uintptr_t)data;
  block[2] = bytes;
  return semihost(SYS_WRITE, block) == 0 ? 0 : -1;
}

int edgec_host_close(int handle) {
  uintptr_t block[1];
  block[0] = (uintptr_t)handle;
  return semihost(SYS_CLOSE, block);
}

void edgec_print(const char *text) { (void)semihost(SYS_WRITE0, (void *)(uintptr_t)text); }

void edgec_print_u64(uint64_t value) {
  char digits[21];
  int i = 20;
  digits[i] = '\0';
  do {
    digits[--i] = (char)('0' + (int)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  edgec_print(&digits[i]);
}

void edgec_print_hex(uint32_t value) {
  static const char hex[] = "0123456789abcdef";
  char text[11];
  int i;
  text[0] = '0';
  text[1] = 'x';
  for (i = 0; i < 8; i++) text[2 + i] = hex[(value >> (28 - 4 * i)) & 0xFu];
  text[10] = '\0';
  edgec_print(text);
}

void edgec_exit(int status) {
  uintptr_t block[2];
  block[0] = ADP_STOPPED_APPLICATION_EXIT;
  block[1] = (uintptr_t)status;
  /* SYS_EXIT_EXTENDED carries the status; plain SYS_EXIT (status 0 or 1) is
   * the fallback should a host not implement the extension. */
  (void)semihost(SYS_EXIT_EXTENDED, block);
  (void)semihost(SYS_EXIT, (void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023));
  for (;;) {
  }
}
