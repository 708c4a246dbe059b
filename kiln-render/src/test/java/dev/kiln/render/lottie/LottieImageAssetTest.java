package dev.kiln.render.lottie;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.render.CancellationSignal;
import dev.kiln.render.PreparedRender;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.engine.Requests;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class LottieImageAssetTest {
    /** A 1×1 opaque red PNG. */
    private static final String RED_PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    @Test
    void embeddedDataUriImageIsDrawn() throws Exception {
        String json = """
                {"v":"5.7.0","fr":30,"ip":0,"op":10,"w":10,"h":10,
                 "assets":[{"id":"img","w":1,"h":1,"e":1,"u":"","p":"data:image/png;base64,%s"}],
                 "layers":[{"ty":2,"ind":1,"refId":"img","ip":0,"op":10,"st":0,
                   "ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[0,0,0]},
                         "a":{"a":0,"k":[0,0,0]},"s":{"a":0,"k":[1000,1000,100]}}}]}
                """.formatted(RED_PNG);
        JsonNode animation = Requests.JSON.readTree(json);
        RenderEngine engine = RenderEngine.create(RenderLimits.defaults());
        PreparedRender prepared = engine.prepare(Requests.lottie(animation));

        BufferedImage image = prepared.document().draw(10, 10, 0, CancellationSignal.NONE);

        assertThat(image.getRGB(5, 5)).isEqualTo(0xFFFF0000);
    }
}
