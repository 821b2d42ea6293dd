/*
 * tests/drivers/list.h: the driver tests (the test_*.c files here), run as one
 * RP2040 image in tandem-sim with the devices drivers.mk attaches.
 */
X(dma_claim_and_errors, 0)
X(dma_copy_every_length_both_cores, 0)
X(dma_bus_errors_reported, 0)
X(dma_bus_error_on_core1, 0)
X(dma_timeout_aborts, 0)
X(dma_wait_belongs_to_the_starting_core, 0)
X(spi_errors, 0)
X(spi_every_length_two_buses_two_cores, 0)
X(spi_each_bus_from_each_core, 0)
X(spi_16_and_12_bit_frames, 0)
X(spi_bmp280_on_core1, 0)
X(spi_timeout_then_bus_usable, 0)
X(spi_select_spans_transfers, 0)
X(spi_device_assigned_to_a_core, 0)
X(spi_long_transfer_sleeps, 0)
