module.exports = eval("require")("../broker/index.js");
