// htm turns tagged templates into Preact elements: components read like HTML, with no build step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
