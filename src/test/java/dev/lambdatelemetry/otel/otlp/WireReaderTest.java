package dev.lambdatelemetry.otel.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class WireReaderTest {

  /** Written by protobuf-java's own encoder, so the reader is checked against the reference. */
  private static byte[] sample() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt64(1, 300);
    out.writeInt64(2, -1);
    out.writeFixed64(3, 0x0102030405060708L);
    out.writeFixed32(4, 0xCAFEBABE);
    out.writeBytes(5, ByteString.copyFromUtf8("héllo"));
    out.writeUInt32(536870911, 7);
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void readsEveryWireTypeAsProtobufJavaWritesIt() throws Exception {
    WireReader r = new WireReader(sample());
    assertThat(r.next()).isTrue();
    assertThat(r.fieldNumber()).isEqualTo(1);
    assertThat(r.wireType()).isEqualTo(WireReader.VARINT);
    assertThat(r.readVarint()).isEqualTo(300);
    assertThat(r.next()).isTrue();
    assertThat(r.readVarint()).as("negative int64 is a 10-byte varint").isEqualTo(-1);
    assertThat(r.next()).isTrue();
    assertThat(r.wireType()).isEqualTo(WireReader.FIXED64);
    assertThat(r.readFixed64()).isEqualTo(0x0102030405060708L);
    assertThat(r.next()).isTrue();
    assertThat(r.readFixed32()).isEqualTo(0xCAFEBABE);
    assertThat(r.next()).isTrue();
    assertThat(r.wireType()).isEqualTo(WireReader.LEN);
    r.readLengthDelimited();
    assertThat(r.fieldString()).isEqualTo("héllo");
    assertThat(r.fieldLength()).isEqualTo(6);
    assertThat(r.next()).isTrue();
    assertThat(r.fieldNumber()).as("the largest field number").isEqualTo(536870911);
    r.skip();
    assertThat(r.next()).isFalse();
  }

  @Test
  void skipsWhatItDoesNotRead() throws Exception {
    WireReader r = new WireReader(sample());
    int fields = 0;
    while (r.next()) {
      r.skip();
      fields++;
    }
    assertThat(fields).isEqualTo(6);
  }

  @Test
  void entersAndLeavesANestedMessageWithinItsRange() throws Exception {
    // field 1 = { field 2 = 5 }, field 3 = 9
    byte[] b = {0x0a, 0x02, 0x10, 0x05, 0x18, 0x09};
    WireReader r = new WireReader(b);
    assertThat(r.next()).isTrue();
    int outer = r.enter();
    assertThat(r.next()).isTrue();
    assertThat(r.fieldNumber()).isEqualTo(2);
    assertThat(r.readVarint()).isEqualTo(5);
    assertThat(r.next()).as("the nested message ends before field 3").isFalse();
    r.leave(outer);
    assertThat(r.next()).isTrue();
    assertThat(r.fieldNumber()).isEqualTo(3);
    assertThat(r.readVarint()).isEqualTo(9);
  }

  @Test
  void readsOnlyItsRange() throws Exception {
    byte[] b = {0x08, 0x01, 0x08, 0x02, 0x08, 0x03};
    WireReader r = new WireReader(b, 2, 2);
    assertThat(r.next()).isTrue();
    assertThat(r.readVarint()).isEqualTo(2);
    assertThat(r.next()).isFalse();
  }

  @Test
  void refusesTruncatedAndImpossibleInput() {
    assertThatThrownBy(() -> read(new byte[] {0x08, (byte) 0x80})).hasMessageContaining("truncated varint");
    assertThatThrownBy(() -> read(new byte[] {0x0a, 0x05, 0x01})).hasMessageContaining("past the end");
    assertThatThrownBy(() -> read(new byte[] {0x09, 0x01, 0x02})).hasMessageContaining("truncated");
    assertThatThrownBy(() -> read(new byte[] {0x0b})).hasMessageContaining("wire type 3");
    assertThatThrownBy(() -> read(new byte[] {0x0e})).hasMessageContaining("wire type 6");
    assertThatThrownBy(() -> read(new byte[] {0x00})).hasMessageContaining("invalid field tag");
    byte[] elevenByteVarint = {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};
    assertThatThrownBy(() -> read(elevenByteVarint)).hasMessageContaining("longer than 10 bytes");
  }

  private static void read(byte[] b) throws MalformedMessageException {
    WireReader r = new WireReader(b);
    while (r.next()) {
      r.skip();
    }
  }
}
