package dev.turnpike.l7.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * A connection's header and keep-alive timer goes with the connection: a task left in the event
 * loop's queue would keep the closed connection's whole pipeline reachable until its deadline.
 */
class RequestHygieneTimerTest {

    private static final HttpHardening SETTINGS = new HttpHardening(DataSize.ofKilobytes(64), Duration.ofSeconds(10),
            Duration.ofSeconds(60), new HttpHardening.Http2Limits(100, DataSize.ofKilobytes(16), 100, Duration.ofSeconds(30)),
            new SimpleMeterRegistry());

    /** An event loop that can tell how far away its next scheduled task is. */
    private static final class WatchedLoop extends DefaultEventLoop {
        long nanosToNextTask() throws Exception {
            return submit(this::nextScheduledTaskNano).get(5, TimeUnit.SECONDS);
        }
    }

    /** Answers every request with an empty 204, keeping the connection open, and tells when the connection is gone. */
    private final class EmptyAnswers extends ChannelInboundHandlerAdapter {
        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            gone.complete(null);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
            }
        }
    }

    private final WatchedLoop loop = new WatchedLoop();
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private Channel server;

    @BeforeEach
    void listen() {
        LocalAddress address = new LocalAddress(RequestHygieneTimerTest.class);
        server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpResponseEncoder(), new HttpRequestDecoder(),
                                new RequestHygieneHandler(SETTINGS), new EmptyAnswers());
                        accepted.complete(ch);
                    }
                })
                .bind(address).syncUninterruptibly().channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final CompletableFuture<String> answer = new CompletableFuture<>();

    private Channel connect() {
        return new Bootstrap().group(loop).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        answer.complete(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                        ReferenceCountUtil.release(msg);
                    }
                })
                .connect(server.localAddress()).syncUninterruptibly().channel();
    }

    @Test
    void aNewConnectionIsTimedForItsFirstRequestHead() throws Exception {
        Channel client = connect();
        accepted.get(5, TimeUnit.SECONDS);
        assertThat(loop.nanosToNextTask()).isPositive().isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(10));
        client.close().syncUninterruptibly();
    }

    @Test
    void closingTheConnectionLeavesNoTimerBehind() throws Exception {
        Channel client = connect();
        accepted.get(5, TimeUnit.SECONDS);
        client.close().syncUninterruptibly();
        gone.get(5, TimeUnit.SECONDS);
        assertThat(loop.nanosToNextTask()).as("nanoseconds to the next scheduled task, -1 for none").isEqualTo(-1);
    }

    @Test
    void closingAnIdleKeepAliveConnectionLeavesNoTimerBehind() throws Exception {
        Channel client = connect();
        accepted.get(5, TimeUnit.SECONDS);
        client.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a\r\n\r\n", StandardCharsets.US_ASCII));
        assertThat(answer.get(5, TimeUnit.SECONDS)).startsWith("HTTP/1.1 204");
        assertThat(loop.nanosToNextTask()).as("the keep-alive timer").isPositive();
        client.close().syncUninterruptibly();
        gone.get(5, TimeUnit.SECONDS);
        assertThat(loop.nanosToNextTask()).isEqualTo(-1);
    }

    @Test
    void removingTheHandlerCancelsItsTimer() throws Exception {
        Channel client = connect();
        Channel served = accepted.get(5, TimeUnit.SECONDS);
        served.eventLoop().submit(() -> served.pipeline().remove(RequestHygieneHandler.class)).get(5, TimeUnit.SECONDS);
        assertThat(loop.nanosToNextTask()).isEqualTo(-1);
        client.close().syncUninterruptibly();
    }
}
