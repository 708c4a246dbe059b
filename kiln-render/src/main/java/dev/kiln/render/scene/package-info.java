/**
 * Kiln scene JSON v1: {@link dev.kiln.render.scene.SceneParser} validates a scene into an immutable document
 * drawn with Java2D, and {@link dev.kiln.render.scene.SceneSchema} serves its JSON Schema. The format is
 * described in {@code docs/scene-format.md}.
 */
package dev.kiln.render.scene;
