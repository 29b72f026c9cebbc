// conf, the writer of the config file, in a bundle of its own (dist/conf.cjs): with the schema
// validator it brings, it is more than half the size of the rest of the CLI, and a run loads it only
// to change the config file.
export { default as Conf } from 'conf';
