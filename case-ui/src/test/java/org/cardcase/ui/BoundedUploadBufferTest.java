package org.cardcase.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import org.junit.jupiter.api.Test;

/** The workspace's uploads are refused on the server past their size, whatever the browser was told. */
class BoundedUploadBufferTest {

  @Test
  void aFileUpToTheLimitIsKeptAndOneBeyondItIsRefusedAndForgotten() throws Exception {
    BoundedUploadBuffer buffer = new BoundedUploadBuffer(1024);
    try (OutputStream out = buffer.receiveUpload("scan.png", "image/png")) {
      out.write(new byte[1000]);
      out.write(new byte[24]);
    }
    assertThat(buffer.bytes()).hasSize(1024);

    OutputStream tooMuch = buffer.receiveUpload("big.png", "image/png");
    tooMuch.write(new byte[1000]);
    assertThatThrownBy(() -> tooMuch.write(new byte[25])).isInstanceOf(BoundedUploadBuffer.TooLarge.class);
    assertThatThrownBy(() -> tooMuch.write(1)).isInstanceOf(BoundedUploadBuffer.TooLarge.class);
    tooMuch.close();
    // a new upload forgets the last one, and the refused one leaves nothing behind, closed or not
    assertThat(buffer.bytes()).isNull();
    assertThat(buffer.getInputStream().readAllBytes()).isEmpty();
  }
}
